// `npm start` will serve the example system (Identity, Projects, Estimation) over HTTP on an
// embedded PGlite database once the gateway lands (issue 4). Until then it says so.
console.log(
  [
    'Strata: the HTTP gateway and the example system are not built yet.',
    'What works today: the library (messages, deciders, command handling, the event store on',
    'PGlite or PostgreSQL). Run `npm test` to see it exercised, `npm run bench -- append` to measure it.',
  ].join('\n'),
);
