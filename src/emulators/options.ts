/** Options every vendor emulator accepts. */
export interface EmulatorOptions {
  /** Seed of the demo data; the same seed and anchor give the same data. */
  seed?: number;
  /** Number of conversations (per chatbot for Chatbase). */
  size?: number;
  /** The newest data is just before this instant (default: start of the current UTC day). */
  anchor?: Date;
  /** Port to listen on; 0 or absent picks a free one. */
  port?: number;
  /** Credential the emulator accepts. */
  token?: string;
}
