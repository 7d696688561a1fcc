import { UnknownMessageError } from '../messages/index.js';
import {
  handleCommand,
  type CommandEnvelope,
  type CommandHandler,
  type CommandHandlingOptions,
} from './command-handler.js';
import type { CommandResult } from './command-result.js';

/**
 * A command handler of any command, event and state types, for collections of them. The
 * decider's types are checked where each handler is declared; a collection cannot keep them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommandHandler = CommandHandler<any, any, any>;

/** Sends each command to the handler that accepts its type. */
export interface CommandBus {
  send(envelope: CommandEnvelope): Promise<CommandResult>;
  /** The command types some handler accepts. */
  readonly commandTypes: readonly string[];
}

/** What `createCommandBus` needs: how commands are handled, and the handlers to route to. */
export interface CommandBusOptions extends CommandHandlingOptions {
  readonly handlers: readonly AnyCommandHandler[];
}

/** Routes commands by type; a type no handler accepts is an `UnknownMessageError`. */
export function createCommandBus(options: CommandBusOptions): CommandBus {
  const byType = new Map<string, AnyCommandHandler>();
  for (const handler of options.handlers) {
    for (const command of handler.commands) byType.set(command.name, handler);
  }
  return {
    commandTypes: [...byType.keys()].sort(),
    send(envelope) {
      const handler = byType.get(envelope.type);
      if (handler === undefined)
        return Promise.reject(new UnknownMessageError(envelope.type, 'command'));
      return handleCommand(options, handler, envelope);
    },
  };
}
