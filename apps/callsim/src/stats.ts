export interface LatencyStats {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const ms = (value: number) => Math.round(value * 100) / 100;

/** Nearest-rank percentiles in milliseconds; all zero for an empty sample. */
export function latencyStats(values: number[]): LatencyStats {
  if (values.length === 0) return { count: 0, min: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return {
    count: sorted.length,
    min: ms(sorted[0]!),
    mean: ms(sorted.reduce((sum, v) => sum + v, 0) / sorted.length),
    p50: ms(rank(50)),
    p95: ms(rank(95)),
    p99: ms(rank(99)),
    max: ms(sorted[sorted.length - 1]!),
  };
}
