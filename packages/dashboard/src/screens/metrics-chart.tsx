import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
// Bundled into the dashboard's one CSS file: no inline <style>. uPlot sizes and places its parts
// through element.style (CSSOM), which `style-src 'self'` allows, never a style attribute.
import 'uplot/dist/uPlot.min.css';

export interface Line {
  label: string;
  values: (number | null)[];
}

/**
 * The lines' colours, in order: given to uPlot for the canvas and, as `swatch-<n>` classes in
 * style.css, to the legend (a class, since a style attribute is not allowed by the CSP).
 */
const COLORS = ['#0b57d0', '#d93025', '#e37400', '#1e8e3e'];

const HEIGHT = 220;
const WINDOW_SECONDS = 3600;
/** Narrow enough for a 390 px wide phone with the page's padding. */
const MIN_WIDTH = 240;

/** A line chart over time (seconds since the epoch), as wide as its container; a figure with a caption. */
export function Chart({ title, times, lines, unit }: { title: string; times: number[]; lines: Line[]; unit: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const end = times.at(-1) ?? Date.now() / 1000;
    const width = () => Math.max(element.clientWidth, MIN_WIDTH);
    const plot = new uPlot(
      {
        width: width(),
        height: HEIGHT,
        scales: {
          // Always the last hour, even with a single point (uPlot would otherwise span years).
          x: { time: true, range: () => [end - WINDOW_SECONDS, end] },
          y: { range: (_self, min, max) => [Math.min(0, min), Math.max(1, max)] },
        },
        // The legend is ours (below): uPlot's sizes itself to its content, too wide for a phone.
        legend: { show: false },
        series: [
          {},
          ...lines.map((line, n) => ({ label: line.label, stroke: COLORS[n % COLORS.length] as string, width: 2 })),
        ],
        axes: [{}, { values: (_self, ticks) => ticks.map((tick) => `${tick}${unit}`), size: 60 }],
      },
      [times, ...lines.map((line) => line.values)],
      element,
    );
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: HEIGHT }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [times, lines, unit]);

  const latest = (line: Line) => {
    const value = line.values.at(-1);
    return value === null || value === undefined ? '—' : `${value}${unit}`;
  };
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {/* The canvas says nothing to a screen reader: the legend's latest values are its text. */}
      <div
        ref={box}
        role="img"
        aria-label={`${title}. Minute under way: ${lines.map((line) => `${line.label} ${latest(line)}`).join(', ')}.`}
      />
      <ul class="legend" aria-label={`${title}, minute under way`}>
        {lines.map((line, n) => (
          <li key={line.label}>
            <span class={`swatch swatch-${n}`} aria-hidden="true" />
            {line.label}: <strong>{latest(line)}</strong>
          </li>
        ))}
      </ul>
    </figure>
  );
}
