import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 80, write: (t: string) => writes.push(t) };
}

describe('ProgressBar', () => {
  it('on a TTY, redraws one line in place and ends it with a newline', () => {
    let now = 0;
    const s = sink(true);
    const bar = new ProgressBar({ label: 'bench', sink: s, now: () => now });
    bar.update(1, 4);
    now += 50;
    bar.update(2, 4); // within the redraw interval: skipped
    now += 100;
    bar.update(3, 4, 'ranked');
    now += 50;
    bar.finish();
    expect(s.writes[0]).toBe('\r\u001b[2Kbench [######------------------]  25% 1/4');
    expect(s.writes[1]).toBe('\r\u001b[2Kbench [##################------]  75% 3/4 ranked');
    expect(s.writes).toHaveLength(4);
    expect(s.writes[2]).toBe('\r\u001b[2Kbench: done (0.2s)');
    expect(s.writes[3]).toBe('\n');
  });

  it('off a TTY, writes a plain line at most every interval, and nothing for a short job', () => {
    let now = 0;
    const quick = sink(false);
    const short = new ProgressBar({ label: 'import', sink: quick, now: () => now, lineIntervalMs: 1000 });
    short.update(5, 10);
    short.finish();
    expect(quick.writes).toEqual([]);

    const s = sink(false);
    const bar = new ProgressBar({ label: 'bench', sink: s, now: () => now, lineIntervalMs: 1000 });
    for (let i = 1; i <= 30; i++) {
      now += 100;
      bar.update(i, 30, `step ${i}`);
    }
    bar.finish();
    expect(s.writes).toEqual([
      'bench:  33% (10/30) step 10 (1.0s)\n',
      'bench:  66% (20/30) step 20 (2.0s)\n',
      'bench: 100% (30/30) step 30 (3.0s)\n',
      'bench: done (3.0s)\n',
    ]);
  });

  it('counts without a total, and stays silent when disabled', () => {
    let now = 0;
    const s = sink(false);
    const bar = new ProgressBar({ label: 'import', sink: s, now: () => now, lineIntervalMs: 10 });
    now = 20;
    bar.update(1500, 0, 'rows read');
    expect(s.writes).toEqual(['import: 1500 rows read (0.0s)\n']);
    const off = sink(true);
    const quiet = new ProgressBar({ label: 'x', sink: off, enabled: false });
    quiet.update(1, 2);
    quiet.finish('done');
    expect(off.writes).toEqual([]);
  });
});
