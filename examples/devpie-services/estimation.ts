import { defineApp } from 'strata';

import {
  estimates,
  estimationCommands,
  estimationEvents,
  estimations,
  GetEstimate,
} from '../devpie/estimation/index.js';
import { GetProject, projectDetail, projectEvents } from '../devpie/projects/index.js';
import { openEstimationsFromBus } from './open-estimations.js';
import { busReplica } from './replica.js';

/**
 * Devpie's Estimation service alone. Estimations open from the Projects service's `TaskAdded`
 * events received from the bus, and an estimate's task is checked against a replica of the
 * projects built from the Projects service's events.
 */
export const app = defineApp({
  name: 'estimation',
  license: { name: 'MIT', identifier: 'MIT' },
  messages: [...estimationEvents, ...estimationCommands, ...projectEvents],
  commandHandlers: [estimations],
  projections: [estimates, projectDetail],
  queries: [GetEstimate, GetProject],
  busConsumers: [
    openEstimationsFromBus,
    busReplica({ from: 'projects', durable: 'estimation-projects', events: projectEvents }),
  ],
});
