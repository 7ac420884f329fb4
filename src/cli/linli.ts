import { buildProgram } from './program.js';
import { describeError } from './output.js';

/** Entry of `linli` (bin/linli.mjs runs this through tsx). */
async function runCli(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    console.error(`错误 / error: ${describeError(err)}`);
    return 1;
  }
}

// Exit code without process.exit, so piped output is flushed before the process ends.
process.exitCode = await runCli(process.argv);
