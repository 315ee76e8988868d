import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
// Bundled into the dashboard's one CSS file: no inline <style>. uPlot sizes and places its parts
// through element.style (CSSOM), which `style-src 'self'` allows, never a style attribute.
import 'uplot/dist/uPlot.min.css';

export interface Line {
  label: string;
  values: (number | null)[];
  color: string;
}

const HEIGHT = 220;
/** Narrow enough for a 390 px wide phone with the page's padding. */
const MIN_WIDTH = 240;

/** A line chart over time (seconds since the epoch), as wide as its container; a figure with a caption. */
export function Chart({ title, times, lines, unit }: { title: string; times: number[]; lines: Line[]; unit: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = () => Math.max(element.clientWidth, MIN_WIDTH);
    const format = (value: number | null) => (value === null ? '—' : `${value}${unit}`);
    const plot = new uPlot(
      {
        width: width(),
        height: HEIGHT,
        scales: { x: { time: true }, y: { range: (_self, min, max) => [Math.min(0, min), Math.max(1, max)] } },
        series: [
          { label: 'Time' },
          ...lines.map((line) => ({
            label: line.label,
            stroke: line.color,
            width: 2,
            value: (_self: uPlot, value: number | null) => format(value),
          })),
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

  // The latest values in words, for screen readers (the canvas says nothing).
  const latest = lines.map((line) => `${line.label} ${line.values.at(-1) ?? 'none'}${unit}`).join(', ');
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}. Minute under way: ${latest}.`} />
    </figure>
  );
}
