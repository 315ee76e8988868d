import { createInterface } from 'node:readline';

/**
 * Reads a password without echo on a terminal, or the first line of piped standard input.
 * Passwords never come from argv, where `ps` and shell history would show them.
 */
export function readPasswordFromTerminal(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput: (text: string) => void };
    let prompted = false;
    output._writeToOutput = (text) => {
      // Show the prompt once, then nothing of what is typed.
      if (!prompted) {
        process.stderr.write(text);
        prompted = true;
      }
    };
    rl.question(prompt, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('cancelled'));
    });
  });
}

export async function readFirstLineFromStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}
