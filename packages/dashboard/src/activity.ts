/**
 * When this tab last talked to the server: every request the client sends resets the idle clock
 * the shell shows, as every request resets the server's.
 */
let lastRequestMs = Date.now();

export const lastRequestAt = () => lastRequestMs;

/** The platform's fetch, noting each request. */
export const noticingFetch = (input: string, init: RequestInit): Promise<Response> => {
  lastRequestMs = Date.now();
  return fetch(input, init);
};
