import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { DomainError } from '@fusion/shared/kernel';
import { CanonicalJsonlImporter } from './canonical-jsonl.importer';
import { FastChatJudgeImporter } from './fastchat-judge.importer';
import { FusionBenchImporter } from './fusionbench.importer';
import { IMPORT_FORMATS, type Detection, type ImportFormat, type LogImporter } from './log-importer.port';
import { RouterBenchImporter } from './routerbench.importer';
import { listFiles } from './source-rows';

/** One file (or layout root) and the importer that reads it. */
export interface ImportPlanEntry {
  path: string;
  importer: LogImporter;
  /** Null when the caller named the format and detection did not confirm it. */
  detection: Detection | null;
}

/** What an import of a path will read, decided before reading. */
export interface ImportPlan {
  path: string;
  /** The one format of every entry, or `mixed`. */
  format: ImportFormat | 'mixed';
  entries: ImportPlanEntry[];
  /** Files in a directory that no importer (or not the named one) reads. */
  skipped: { path: string; reason: string }[];
}

export function defaultImporters(): LogImporter[] {
  return [
    new CanonicalJsonlImporter(),
    new FusionBenchImporter(),
    new RouterBenchImporter(),
    new FastChatJudgeImporter(),
  ];
}

/** The importers by format, and format auto-detection over a file or a directory. */
export class ImporterRegistry {
  private readonly byFormat = new Map<ImportFormat, LogImporter>();

  constructor(importers: readonly LogImporter[] = defaultImporters()) {
    for (const i of importers) this.byFormat.set(i.format, i);
  }

  formats(): ImportFormat[] {
    return [...this.byFormat.keys()];
  }

  get(format: string): LogImporter {
    const importer = this.byFormat.get(format as ImportFormat);
    if (!importer) {
      throw DomainError.invalidArgument(
        'format',
        `unknown format '${format}'; expected auto or one of ${IMPORT_FORMATS.join(', ')}`,
      );
    }
    return importer;
  }

  /** The most confident detection for a file or directory, or null. */
  async detect(path: string): Promise<Detection | null> {
    let best: Detection | null = null;
    for (const importer of this.byFormat.values()) {
      const d = await importer.detect(path).catch(() => null);
      if (d && (!best || d.confidence > best.confidence)) best = d;
    }
    return best;
  }

  /**
   * Decides what to read. A file: the named importer, or the detected one. A directory: a layout root
   * (FastChat), else each top-level file with its importer; files no importer reads are skipped.
   */
  async plan(path: string, format: ImportFormat | 'auto' = 'auto'): Promise<ImportPlan> {
    const named = format === 'auto' ? null : this.get(format);
    let info;
    try {
      info = await stat(path);
    } catch {
      throw DomainError.invalidArgument('path', `${path} does not exist or cannot be read`);
    }
    if (info.isFile()) {
      const detection = named ? await named.detect(path).catch(() => null) : await this.detect(path);
      if (!named && !detection) {
        throw DomainError.invalidArgument(
          'format',
          `could not detect the format of ${basename(path)}; name one of ${IMPORT_FORMATS.join(', ')}`,
        );
      }
      const importer = named ?? this.get((detection as Detection).format);
      return { path, format: importer.format, entries: [{ path, importer, detection }], skipped: [] };
    }
    if (!info.isDirectory())
      throw DomainError.invalidArgument('path', `${path} is neither a file nor a directory`);

    const asLayout = named ? await named.detect(path).catch(() => null) : await this.detect(path);
    if (asLayout) {
      const importer = this.get(asLayout.format);
      return {
        path,
        format: importer.format,
        entries: [{ path, importer, detection: asLayout }],
        skipped: [],
      };
    }
    const entries: ImportPlanEntry[] = [];
    const skipped: ImportPlan['skipped'] = [];
    for (const file of await listFiles(path)) {
      const detection = named ? await named.detect(file).catch(() => null) : await this.detect(file);
      if (detection) entries.push({ path: file, importer: this.get(detection.format), detection });
      else
        skipped.push({ path: file, reason: named ? `not a ${named.format} file` : 'format not recognised' });
    }
    if (entries.length === 0) {
      throw DomainError.invalidArgument(
        'path',
        `${path} holds no file that ${named ? `the ${named.format} importer` : 'any importer'} reads`,
      );
    }
    const formats = new Set(entries.map((e) => e.importer.format));
    const only = formats.size === 1 ? [...formats][0] : undefined;
    return { path, format: only ?? 'mixed', entries, skipped };
  }
}
