import path from 'node:path';
import { ConfigError, parseConfig, type Config } from '../config.js';

/** What every command-line tool does when it cannot do its work: the message, exit code 2. */
export function stop(message: string): never {
  console.error(message);
  process.exit(2);
}

/**
 * A tool's settings, read as the server reads them; a bad one stops the tool naming the variable.
 * Tools that need no secret keep the default, so that they never write DATA_DIR/secret.
 */
export function cliConfig(resolveSecret: (dataDir: string) => string = () => 'unused-by-this-command-00000000000000000'): Config {
  try {
    return parseConfig(process.env, resolveSecret);
  } catch (error) {
    if (error instanceof ConfigError) stop(error.message);
    throw error;
  }
}

/** A path given on the command line: npm runs scripts from the package's directory, a relative path is the caller's. */
export function callerPath(given: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), given);
}
