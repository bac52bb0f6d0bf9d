import { nearestNode, nodeAt, type SpanNode } from '../json/span';
import { toPointer, type JsonPath, type Location, type Position } from '../model/location';
import { positionOf } from './document-context';

/**
 * Line and column of any JSON path in any file read into a model. The index behind it is built in
 * the same single pass that parses each file, so every field's position is recorded; it is kept
 * out of the (serialisable) ConfigModel and turned into Location objects only when asked.
 */
export class Locator {
  private readonly roots = new Map<string, SpanNode>();

  add(file: string, root: SpanNode | undefined): void {
    if (root) this.roots.set(file, root);
  }

  /** The location of `path`, or of its nearest existing ancestor; a file-start location if the file has no index. */
  locate(file: string, path: JsonPath): Location {
    return { file, jsonPath: [...path], ...positionOf(nearestNode(this.roots.get(file), path)) };
  }

  /** Whether `path` itself exists in the file. */
  has(file: string, path: JsonPath): boolean {
    return nodeAt(this.roots.get(file), path) !== undefined;
  }

  /** Every value under `path` by JSON pointer: e.g. all fields of one server entry. */
  positionsUnder(file: string, path: JsonPath): Record<string, Position> {
    const out: Record<string, Position> = Object.create(null) as Record<string, Position>;
    const walk = (node: SpanNode, p: (string | number)[]) => {
      out[toPointer(p)] = positionOf(node);
      node.props?.forEach((child, key) => walk(child, [...p, key]));
      node.items?.forEach((child, k) => walk(child, [...p, k]));
    };
    const start = nodeAt(this.roots.get(file), path);
    if (start) walk(start, [...path]);
    return out;
  }
}
