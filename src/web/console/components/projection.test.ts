import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../shared/types.js';
import { classBreaks, classOf, fitProjection, labelPoint, mercator, polygonPath } from './projection.js';

const square: Geometry = {
  type: 'Polygon',
  coordinates: [
    [
      [120.68, 30.53],
      [120.69, 30.53],
      [120.69, 30.54],
      [120.68, 30.54],
      [120.68, 30.53],
    ],
  ],
};

describe('GridMap projection', () => {
  it('puts north up and east right, fitted inside the padding', () => {
    const project = fitProjection((square.coordinates as [number, number][][])[0]!, 800, 500, 20);
    const [x0, y0] = project([120.68, 30.53]);
    const [x1, y1] = project([120.69, 30.54]);
    expect(x1).toBeGreaterThan(x0);
    expect(y1).toBeLessThan(y0);
    // The tighter axis (height) fills the inner box exactly; the other is centred.
    expect(y0 - y1).toBeCloseTo(460, 6);
    expect((x0 + x1) / 2).toBeCloseTo(400, 6);
    expect(x0).toBeGreaterThanOrEqual(20);
    expect(x1).toBeLessThanOrEqual(780);
  });

  it('keeps shapes true: a lon/lat square is narrower than tall by cos(latitude)', () => {
    const project = fitProjection((square.coordinates as [number, number][][])[0]!, 800, 500, 20);
    const [x0, y0] = project([120.68, 30.53]);
    const [x1, y1] = project([120.69, 30.54]);
    expect((x1 - x0) / (y0 - y1)).toBeCloseTo(Math.cos((30.535 * Math.PI) / 180), 3);
  });

  it('centres a single point and survives no points at all', () => {
    expect(fitProjection([[120.68, 30.53]], 800, 500)([120.68, 30.53])).toEqual([400, 250]);
    expect(fitProjection([], 800, 500)([0, 0])).toEqual([400, 250]);
  });

  it('clamps the poles instead of returning infinities', () => {
    expect(Number.isFinite(mercator([0, 90])[1])).toBe(true);
  });

  it('writes closed SVG rings and labels at the area centroid', () => {
    const project = fitProjection((square.coordinates as [number, number][][])[0]!, 800, 500, 20);
    const d = polygonPath(square, project);
    expect(d.startsWith('M')).toBe(true);
    expect(d.endsWith('Z')).toBe(true);
    expect(d.match(/L/g)).toHaveLength(4);
    const [cx, cy] = labelPoint(square, project);
    expect(cx).toBeCloseTo(400, 0);
    expect(cy).toBeCloseTo(250, 0);
  });

  it('breaks integer values into classes with integer bounds', () => {
    expect(classBreaks([])).toEqual([]);
    expect(classBreaks([3, 3])).toEqual([3]);
    expect(classBreaks([1, 2])).toEqual([1, 2]);
    const b = classBreaks([0, 2, 5, 10]);
    expect(b).toEqual([2, 5, 7, 10]);
    expect(classOf(0, b)).toBe(0);
    expect(classOf(3, b)).toBe(1);
    expect(classOf(10, b)).toBe(3);
  });
});
