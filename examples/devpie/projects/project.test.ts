import { describe, it } from 'vitest';

import { deciderSpec, DomainError } from 'strata';
import { projectDecider } from './project.js';

const at = '2026-01-01T00:00:00.000Z';
const created = {
  type: 'projects.ProjectCreated',
  data: { projectId: 'p1', ownerId: 'ada', name: 'Apollo', createdAt: at },
} as const;
const taskAdded = {
  type: 'projects.TaskAdded',
  data: { projectId: 'p1', taskId: 't1', title: 'Design' },
} as const;
const given = deciderSpec(projectDecider);

describe('a project', () => {
  it('is created once', () => {
    given([])
      .when({
        type: 'projects.CreateProject',
        data: { projectId: 'p1', ownerId: 'ada', name: 'Apollo' },
      })
      .then([created]);
    given([created])
      .when({
        type: 'projects.CreateProject',
        data: { projectId: 'p1', ownerId: 'ada', name: 'Again' },
      })
      .then(new DomainError('PROJECT_EXISTS', 'Project p1 exists already'));
  });

  it('is renamed, but not to its own name', () => {
    given([created])
      .when({ type: 'projects.RenameProject', data: { projectId: 'p1', name: 'Artemis' } })
      .then([{ type: 'projects.ProjectRenamed', data: { projectId: 'p1', name: 'Artemis' } }]);
    given([created])
      .when({ type: 'projects.RenameProject', data: { projectId: 'p1', name: 'Apollo' } })
      .then([]);
  });

  it('adds, completes and removes tasks', () => {
    given([created]).when({ type: 'projects.AddTask', data: taskAdded.data }).then([taskAdded]);
    given([created, taskAdded])
      .when({ type: 'projects.AddTask', data: taskAdded.data })
      .then(new DomainError('TASK_EXISTS', 'Project p1 has a task t1 already'));
    const completed = {
      type: 'projects.TaskCompleted',
      data: { projectId: 'p1', taskId: 't1' },
    } as const;
    given([created, taskAdded])
      .when({ type: 'projects.CompleteTask', data: completed.data })
      .then([completed]);
    given([created, taskAdded, completed])
      .when({ type: 'projects.CompleteTask', data: completed.data })
      .then([]);
    given([created, taskAdded])
      .when({ type: 'projects.RemoveTask', data: { projectId: 'p1', taskId: 't1' } })
      .then([{ type: 'projects.TaskRemoved', data: { projectId: 'p1', taskId: 't1' } }]);
    given([created])
      .when({ type: 'projects.CompleteTask', data: { projectId: 'p1', taskId: 'nope' } })
      .then(new DomainError('TASK_NOT_FOUND', 'Project p1 has no task nope'));
  });

  it('takes no changes once archived', () => {
    const archived = {
      type: 'projects.ProjectArchived',
      data: { projectId: 'p1', archivedAt: at },
    } as const;
    given([created])
      .when({ type: 'projects.ArchiveProject', data: { projectId: 'p1' } })
      .then([archived]);
    given([created, archived])
      .when({ type: 'projects.ArchiveProject', data: { projectId: 'p1' } })
      .then([]);
    given([created, archived])
      .when({ type: 'projects.AddTask', data: taskAdded.data })
      .then(new DomainError('PROJECT_ARCHIVED', 'Project p1 is archived'));
  });

  it('must exist to change', () => {
    given([])
      .when({ type: 'projects.RenameProject', data: { projectId: 'p1', name: 'x' } })
      .then(new DomainError('PROJECT_NOT_FOUND', 'No project p1'));
  });
});
