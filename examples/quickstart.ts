// The README's quick start, runnable: `npx tsx examples/quickstart.ts`.
// Declares messages, writes a decider, and handles commands against the embedded event store.
import { pathToFileURL } from 'node:url';

import { Type } from 'typebox';

import {
  createMessageRegistry,
  createPgliteDriver,
  createPostgresEventStore,
  defineCommand,
  defineCommandHandler,
  defineEvent,
  DomainError,
  handleCommand,
  type CommandOf,
  type Decider,
  type EventOf,
} from '../src/index.js';

// 1. Messages, declared once: the TypeScript types come from the schemas.
const ProjectCreated = defineEvent({
  name: 'projects.ProjectCreated',
  schema: Type.Object({ projectId: Type.String(), name: Type.String() }),
});
const ProjectRenamed = defineEvent({
  name: 'projects.ProjectRenamed',
  schema: Type.Object({ projectId: Type.String(), name: Type.String() }),
});
const CreateProject = defineCommand({
  name: 'projects.CreateProject',
  schema: Type.Object({ projectId: Type.String(), name: Type.String({ minLength: 1 }) }),
});
const RenameProject = defineCommand({
  name: 'projects.RenameProject',
  schema: Type.Object({ projectId: Type.String(), name: Type.String({ minLength: 1 }) }),
});

type ProjectEvent = EventOf<typeof ProjectCreated | typeof ProjectRenamed>;
type ProjectCommand = CommandOf<typeof CreateProject | typeof RenameProject>;

// 2. A decider: pure functions from (command, state) to events.
const project: Decider<ProjectCommand, ProjectEvent, { name: string | undefined }> = {
  initialState: () => ({ name: undefined }),
  evolve: (_state, event) => ({ name: event.data.name }),
  decide(command, state) {
    if (command.type === 'projects.CreateProject') {
      if (state.name !== undefined) throw new DomainError('PROJECT_EXISTS', 'Project exists');
      return { type: 'projects.ProjectCreated', data: command.data };
    }
    if (state.name === undefined) throw new DomainError('PROJECT_NOT_FOUND', 'No such project');
    if (state.name === command.data.name) return []; // nothing changes: no event
    return { type: 'projects.ProjectRenamed', data: command.data };
  },
};

const projects = defineCommandHandler({
  commands: [CreateProject, RenameProject],
  decider: project,
  streamId: (command) => `project-${command.data.projectId}`,
});

/** Runs the quick start; `dataDir` omitted keeps the database in memory. */
export async function main(dataDir?: string): Promise<string[]> {
  const registry = createMessageRegistry([
    ProjectCreated,
    ProjectRenamed,
    CreateProject,
    RenameProject,
  ]);
  // 3. The event store: embedded PGlite here; createPgDriver({ connectionString }) for PostgreSQL.
  const store = await createPostgresEventStore({
    driver: await createPgliteDriver({ dataDir }),
    registry,
  });
  const lines: string[] = [];
  try {
    const options = { store, registry };
    const created = await handleCommand(options, projects, {
      type: 'projects.CreateProject',
      data: { projectId: '42', name: 'Apollo' },
      id: 'create-42', // an idempotency key: sending it again appends nothing
    });
    lines.push(`created ${created.streamId} at version ${created.streamVersion}`);
    await handleCommand(options, projects, {
      type: 'projects.RenameProject',
      data: { projectId: '42', name: 'Artemis' },
    });
    const again = await handleCommand(options, projects, {
      type: 'projects.CreateProject',
      data: { projectId: '42', name: 'Apollo' },
      id: 'create-42',
    });
    lines.push(`repeated create-42: duplicate=${again.duplicate}`);
    for (const event of await store.readStream('project-42')) {
      const { name } = event.data as { name: string };
      lines.push(`${event.streamVersion} ${event.type} name=${name}`);
    }
  } finally {
    await store.close();
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await main(process.argv[2])) console.log(line);
}
