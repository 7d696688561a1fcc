export { estimationDecider, estimations, openEstimationOnTaskAdded } from './estimation.js';
export { estimationCommands, estimationEvents } from './messages.js';
