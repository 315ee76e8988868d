import dns2 from 'dns2';

/**
 * A real DNS server on 127.0.0.1 (UDP, a free port) answering the names a test gives it, so a
 * test can make a public-looking name resolve to loopback, or change the answer between two
 * lookups (DNS rebinding). Unknown names get NXDOMAIN. Point the guard at it with
 * `dnsServers: [server.address]`.
 *
 * @example
 * const dns = await startDnsServer({ 'hooks.example.test': ['203.0.113.5'] });
 * dns.answer('hooks.example.test', ['127.0.0.1']); // the next lookup sees loopback
 * await dns.close();
 */
export interface TestDnsServer {
  /** `127.0.0.1:<port>`, as `outbound.dnsServers` takes it. */
  address: string;
  /** Sets the addresses (IPv4 and IPv6 mixed) a name resolves to from now on. */
  answer(name: string, addresses: readonly string[]): void;
  /**
   * Answers a name differently over time (DNS rebinding): the first A (and AAAA) question gets
   * `turns[0]`, the second `turns[1]`, and so on; the last list answers every later question.
   */
  answerInTurn(name: string, turns: readonly (readonly string[])[]): void;
  /** How many A or AAAA questions were asked for a name. */
  questionsFor(name: string): number;
  close(): Promise<void>;
}

const TTL_SECONDS = 0; // nothing may cache an answer: a rebinding test changes it
const NXDOMAIN = 3;

export async function startDnsServer(
  records: Readonly<Record<string, readonly string[]>> = {},
): Promise<TestDnsServer> {
  const answers = new Map(Object.entries(records).map(([name, list]) => [name.toLowerCase(), [[...list]]]));
  const questions = new Map<string, number>();
  const turnsTaken = new Map<string, number>(); // per name and type
  const addressesFor = (name: string, type: number): string[] | undefined => {
    const turns = answers.get(name);
    if (!turns) return undefined;
    const key = `${name} ${type}`;
    const turn = turnsTaken.get(key) ?? 0;
    turnsTaken.set(key, turn + 1);
    return turns[Math.min(turn, turns.length - 1)];
  };
  const { Packet } = dns2;

  const server = dns2.createUDPServer((request, send) => {
    const response = Packet.createResponseFromRequest(request);
    for (const question of request.questions) {
      const name = question.name.toLowerCase();
      questions.set(name, (questions.get(name) ?? 0) + 1);
      const known = addressesFor(name, question.type);
      if (!known) response.header.rcode = NXDOMAIN;
      for (const address of known ?? []) {
        const type = address.includes(':') ? Packet.TYPE.AAAA : Packet.TYPE.A;
        if (type !== question.type) continue;
        response.answers.push({ name: question.name, type, class: Packet.CLASS.IN, ttl: TTL_SECONDS, address });
      }
    }
    void send(response);
  });
  await server.listen(0, '127.0.0.1');
  const { port } = server.address();

  return {
    address: `127.0.0.1:${port}`,
    answer: (name, addresses) => void answers.set(name.toLowerCase(), [[...addresses]]),
    answerInTurn: (name, turns) => {
      answers.set(
        name.toLowerCase(),
        turns.map((turn) => [...turn]),
      );
      for (const key of turnsTaken.keys()) if (key.startsWith(`${name.toLowerCase()} `)) turnsTaken.delete(key);
    },
    questionsFor: (name) => questions.get(name.toLowerCase()) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
