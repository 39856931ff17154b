import { Injectable } from '@nestjs/common';

/** A connection's candidate directory as an operator sees it on the connection. */
export interface DirectoryProgress {
  candidates: number;
  complete: boolean;
  running: boolean;
  pages: number;
  lastFullRefreshAt: string | null;
}

export type DirectoryProgressReader = (connectionIds: string[]) => Promise<Map<string, DirectoryProgress>>;

/**
 * Where the connection views get their directory progress from. The directory's refresh state is kept above
 * this module (by the scheduler), which provides the reader at start-up; without one (no scheduler module in
 * the application) connections show none.
 */
@Injectable()
export class ConnectionDirectoryStatus {
  private reader: DirectoryProgressReader | null = null;

  provide(reader: DirectoryProgressReader): void {
    this.reader = reader;
  }

  async of(connectionIds: string[]): Promise<Map<string, DirectoryProgress>> {
    if (!this.reader || connectionIds.length === 0) return new Map();
    return this.reader(connectionIds);
  }
}
