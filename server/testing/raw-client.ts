/**
 * A hand-driven MySQL client over a raw socket, for what mysql2 cannot be made to do: ask for
 * DEPRECATE_EOF, send COM_INIT_DB, pipeline commands, answer an auth switch, send garbage. It
 * sends bytes built with server/protocol/testing.ts and reads packets with the server's own
 * PacketReader. Used only by tests.
 */
import { connect, type Socket } from 'node:net';
import { type Packet, PacketReader } from '../protocol/framing.js';
import { decodeHandshakeV10, type HandshakeV10 } from '../protocol/packets/handshake-v10.js';
import { handshakeResponse, packet, type ResponseOptions } from '../protocol/testing.js';

const READ_TIMEOUT_MS = 10_000;

export class RawClient {
  readonly #socket: Socket;
  readonly #reader = new PacketReader(1024 * 1024 * 1024);
  #expected = 0;
  #ended = false;
  #wake: (() => void) | null = null;
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#reader.push(chunk);
      this.#notify();
    });
    this.closed = new Promise<void>((resolve) => {
      socket.on('close', () => {
        this.#ended = true;
        this.#notify();
        resolve();
      });
    });
    socket.on('error', () => {
      this.#ended = true;
      this.#notify();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Connects and reads the greeting. */
  static async greeted(port: number): Promise<{ client: RawClient; greeting: HandshakeV10 }> {
    const client = await RawClient.connect(port);
    const greeting = decodeHandshakeV10((await client.read()).payload);
    return { client, greeting };
  }

  /** Connects, logs in, and returns after the OK. */
  static async login(
    port: number,
    options: Omit<ResponseOptions, 'scramble'> = {},
  ): Promise<RawClient> {
    const { client, greeting } = await RawClient.greeted(port);
    client.send(1, handshakeResponse({ ...options, scramble: greeting.scramble }));
    const answer = await client.read();
    if (answer.payload[0] !== 0x00) {
      throw new Error(`login failed: ${answer.payload.toString('hex')}`);
    }
    return client;
  }

  /** Sends one payload as a packet with `sequenceId`; replies are expected to follow it. */
  send(sequenceId: number, payload: Buffer): void {
    this.write(packet(sequenceId, payload));
    this.#expected = (sequenceId + 1) & 0xff;
  }

  /** Sends a command (sequence id 0). */
  command(payload: Buffer): void {
    this.send(0, payload);
  }

  write(bytes: Buffer): void {
    this.#socket.write(bytes);
  }

  /** Expect replies to start at `sequenceId` (after writing pipelined commands by hand). */
  expect(sequenceId: number): void {
    this.#expected = sequenceId;
  }

  async read(): Promise<Packet> {
    const deadline = Date.now() + READ_TIMEOUT_MS;
    for (;;) {
      const p = this.#reader.read(this.#expected);
      if (p !== undefined) {
        this.#expected = p.nextSequenceId;
        return p;
      }
      if (this.#ended) throw new Error('connection closed by the server');
      if (Date.now() > deadline) throw new Error('read timed out');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Reads packets up to and including the first whose payload satisfies `last`. */
  async readUntil(last: (payload: Buffer) => boolean): Promise<Packet[]> {
    const packets: Packet[] = [];
    for (;;) {
      const p = await this.read();
      packets.push(p);
      if (last(p.payload)) return packets;
    }
  }

  /** Stops reading from the socket (the server's writes then back up). */
  pause(): void {
    this.#socket.pause();
  }

  end(): void {
    this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
