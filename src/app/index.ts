export { appRegistry, defineApp, defineReactor } from './define-app.js';
export type {
  ApiLicense,
  AppDefinition,
  ReactorContext,
  ReactorDefinition,
  ReactorEvent,
} from './define-app.js';
export { createSystem } from './system.js';
export type { StrataSystem, SystemOptions } from './system.js';
export { BusRequiredError } from './bus-consumers.js';
export type { AppBusConsumer, AppBusConsumerContext } from './bus-consumers.js';
