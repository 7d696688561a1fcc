import { startBusConsumer, type AppBusConsumer } from 'strata';

import { TaskAdded } from '../devpie/projects/index.js';

/**
 * The process manager of the single-process devpie, across services: every `projects.TaskAdded`
 * received from the Projects service's stream opens an estimation. The message id makes a
 * redelivery a repeat of the same command, which the command id dedupe answers once.
 */
export const openEstimationsFromBus: AppBusConsumer = {
  name: 'estimation.open-on-task-added',
  start: ({ connection, driver, inTransaction, onError }) =>
    startBusConsumer({
      connection,
      driver,
      stream: 'STRATA_PROJECTS',
      durable: 'estimation-open',
      space: { app: 'projects' },
      events: [TaskAdded],
      backoffMs: [200, 1_000],
      onError,
      async handle(message, { sql }) {
        await inTransaction(sql).commands.send({
          type: 'estimation.OpenEstimation',
          data: { projectId: message.data.projectId, taskId: message.data.taskId },
          id: `${message.id}:open-estimation`,
          metadata: { causationId: message.id },
        });
      },
    }),
};
