import { SpanKind } from '@opentelemetry/api';

import { UnknownMessageError, ValidationError } from '../messages/index.js';
import { inSpan } from '../observability/index.js';
import { isConcurrencyError, isStoreUnavailable } from '../store/index.js';
import {
  handleCommand,
  type CommandEnvelope,
  type CommandHandler,
  type CommandHandlingOptions,
} from './command-handler.js';
import type { CommandResult } from './command-result.js';
import { isDomainError } from './errors.js';

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
  /** Told how each command went, and how long it took (metrics). */
  readonly onCommand?: (type: string, outcome: CommandOutcome, seconds: number) => void;
}

/**
 * How a command ended: `accepted`, `rejected` by its decider (a `DomainError`), `invalid`
 * (bad data or an unknown type), `conflict` (a version it could not get), `unavailable` (the
 * database refused work) or `error`.
 */
export type CommandOutcome =
  'accepted' | 'rejected' | 'invalid' | 'conflict' | 'unavailable' | 'error';

/** The outcome a command that threw `error` had. */
export function commandOutcomeOf(error: unknown): CommandOutcome {
  if (isDomainError(error)) return 'rejected';
  if (error instanceof ValidationError || error instanceof UnknownMessageError) return 'invalid';
  if (isConcurrencyError(error)) return 'conflict';
  if (isStoreUnavailable(error)) return 'unavailable';
  return 'error';
}

/** Routes commands by type; a type no handler accepts is an `UnknownMessageError`. */
export function createCommandBus(options: CommandBusOptions): CommandBus {
  const byType = new Map<string, AnyCommandHandler>();
  for (const handler of options.handlers) {
    for (const command of handler.commands) byType.set(command.name, handler);
  }
  return {
    commandTypes: [...byType.keys()].sort(),
    async send(envelope) {
      const startedAt = performance.now();
      const observe = (outcome: CommandOutcome) =>
        options.onCommand?.(envelope.type, outcome, (performance.now() - startedAt) / 1000);
      const attributes = { 'strata.command': envelope.type };
      try {
        const result = await inSpan(
          `strata.command ${envelope.type}`,
          { kind: SpanKind.INTERNAL, attributes },
          async (span) => {
            const handler = byType.get(envelope.type);
            if (handler === undefined) throw new UnknownMessageError(envelope.type, 'command');
            const handled = await handleCommand(options, handler, envelope);
            span.setAttribute('strata.command_id', handled.commandId);
            return handled;
          },
        );
        observe('accepted');
        return result;
      } catch (error) {
        observe(commandOutcomeOf(error));
        throw error;
      }
    },
  };
}
