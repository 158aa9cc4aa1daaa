// Orders and selects stages over the `needs` graph.

export type Graph = ReadonlyMap<string, readonly string[]>;

/** Every node after the nodes it needs; the first cycle found becomes an error. */
export function topologicalOrder(graph: Graph, onCycle: (cycle: string[]) => Error): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (node: string, trail: string[]) => {
    if (state.get(node) === "done") return;
    if (state.get(node) === "visiting") {
      throw onCycle([...trail.slice(trail.indexOf(node)), node]);
    }
    state.set(node, "visiting");
    for (const need of graph.get(node) ?? []) visit(need, [...trail, node]);
    state.set(node, "done");
    order.push(node);
  };
  for (const node of graph.keys()) visit(node, []);
  return order;
}

/** The nodes and everything they need, transitively. */
export function upstreamOf(graph: Graph, nodes: Iterable<string>): Set<string> {
  return reach(graph, nodes);
}

/** The nodes and everything that needs them, transitively. */
export function downstreamOf(graph: Graph, nodes: Iterable<string>): Set<string> {
  const dependants = new Map<string, string[]>();
  for (const [node, needs] of graph) {
    for (const need of needs) dependants.set(need, [...(dependants.get(need) ?? []), node]);
  }
  return reach(dependants, nodes);
}

function reach(edges: Graph, nodes: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const stack = [...nodes];
  while (stack.length > 0) {
    const node = stack.pop() as string;
    if (found.has(node)) continue;
    found.add(node);
    stack.push(...(edges.get(node) ?? []));
  }
  return found;
}
