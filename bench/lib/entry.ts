// What every benchmark entry shares: its `--name=value` options, and running its main with the
// exit status it returns (2 and the stack when it throws).

export const benchArgs = process.argv.slice(2);

/** The value of `--name=value`, or undefined. */
export function option(name: string): string | undefined {
  return benchArgs.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** `--no-fail`: report failed targets, exit 0 all the same. */
export const noFail = benchArgs.includes('--no-fail');

export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 2;
    },
  );
}
