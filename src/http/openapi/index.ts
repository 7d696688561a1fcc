export { openApiDocument } from './document.js';
export type { OpenApiOptions } from './document.js';
