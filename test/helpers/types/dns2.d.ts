/** The part of dns2 (no bundled types) that test/helpers/dns-server.ts uses. */
declare module 'dns2' {
  import type { Socket } from 'node:dgram';

  interface Question {
    name: string;
    type: number;
    class: number;
  }
  interface Packet {
    questions: Question[];
    answers: Record<string, unknown>[];
    header: { rcode: number };
  }
  interface PacketStatic {
    TYPE: { A: number; AAAA: number };
    CLASS: { IN: number };
    createResponseFromRequest(request: Packet): Packet;
  }
  interface UdpServer extends Socket {
    listen(port: number, address: string): Promise<void>;
  }
  const dns2: {
    Packet: PacketStatic;
    createUDPServer(handler: (request: Packet, send: (response: Packet) => Promise<unknown>) => void): UdpServer;
  };
  export default dns2;
}
