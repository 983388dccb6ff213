/**
 * The aid programs served today. Importing this file registers each with the engine; a new
 * program is one more definition file here, its messages and its demo data.
 */
export { prabamProgram } from './prabam.js';
export { primeauProgram } from './primeau.js';
export { aidProgramByCode, aidPrograms } from '../definition.js';
