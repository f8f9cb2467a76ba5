import { HttpClient, type HttpClientOptions } from './http.js';

/** What every vendor's client shares: its one HttpClient, the digest of its credential, its call count and its close. */
export abstract class VendorClient {
  protected readonly http: HttpClient;

  protected constructor(options: HttpClientOptions) {
    this.http = new HttpClient(options);
  }

  /** Digest of the credential headers (HttpClient.credential): keys shared-store entries, never the secret. */
  get credential(): string {
    return this.http.credential;
  }

  /** Requests sent so far (retries and nextLinks included). */
  get requestCount(): number {
    return this.http.requestCount;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
