/** How a command fails: exit 2 for a command line that cannot be run, 1 for anything else. */

/** The command could not be carried out (a file that cannot be read, a refused row...). Exit 1. */
export class CliError extends Error {
  readonly exitCode: number = 1;
}

/** The command line itself is wrong: the usage of `command` is printed with the message. Exit 2. */
export class UsageError extends CliError {
  override readonly exitCode = 2;
  constructor(
    message: string,
    /** The command whose usage to show, e.g. `catalogue import`; the overview when absent. */
    readonly command?: string,
  ) {
    super(message);
  }
}
