import { cdnInvalidationReactor } from 'strata';

import {
  ProjectArchived,
  ProjectRenamed,
  TaskAdded,
  TaskCompleted,
  TaskRemoved,
} from './messages.js';

/**
 * Purges a project's public pages from the CDN when the project changes (on once a purge
 * endpoint is configured): its page and its task list, each once per batch.
 */
export const purgeProjectPages = cdnInvalidationReactor({
  name: 'projects.purge-pages',
  on: [ProjectRenamed, TaskAdded, TaskCompleted, TaskRemoved, ProjectArchived],
  paths: (event) => [
    `/projects/${event.data.projectId}`,
    `/projects/${event.data.projectId}/tasks`,
  ],
});
