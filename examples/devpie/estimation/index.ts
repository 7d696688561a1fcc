export { estimationDecider, estimations, openEstimationOnTaskAdded } from './estimation.js';
export { estimationCommands, estimationEvents } from './messages.js';
export { estimates, GetEstimate } from './read-model.js';
export type { EstimateView } from './read-model.js';
