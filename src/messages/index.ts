export { defineCommand, defineEvent, defineMessage, upcaster } from './define.js';
export type {
  CommandDefinition,
  CommandOf,
  DefineEventOptions,
  DefineOptions,
  EventDefinition,
  EventOf,
  MessageDefinition,
  MessageKind,
  Upcaster,
} from './define.js';
export {
  DuplicateMessageError,
  InvalidDefinitionError,
  UnknownMessageError,
  UnknownSchemaVersionError,
  UpcastError,
  ValidationError,
} from './errors.js';
export type { ValidationIssue } from './errors.js';
export { createMessageRegistry } from './registry.js';
export type { MessageDescription, MessageRegistry } from './registry.js';
export { validatorFor } from './validation.js';
export type { MessageValidator } from './validation.js';
