import { NEST_COMMON, classChain } from '../gateways';
import { CheckRule, fixCommand } from '../rule';
import { decoratorCalls, localNameOf } from '../sources';
import { handlers } from './verify-per-message';

/**
 * With `filter.enabled`: a gateway with `@SubscribeMessage()` handlers (its own or a base class's)
 * and no class-level `@UseFilters()` (on it or a base class). Global filters
 * (`app.useGlobalFilters`) never reach gateways, so without one a handler's error never reaches the
 * client's ack. A gateway without handlers (a notifier that only emits) has no errors to deliver.
 */
export const filterMissing: CheckRule = {
  id: 'filter-missing',
  severity: 'error',
  check({ sources, gateways, conventions, report }) {
    if (!conventions.filter.enabled) return;
    for (const gateway of gateways) {
      const chain = classChain(sources, gateway);
      if (!chain.some((appClass) => handlers(appClass).length > 0)) continue;
      const filtered = chain.some((appClass) => decoratorCalls(appClass.node, localNameOf(appClass.file, 'UseFilters', NEST_COMMON)).length > 0);
      if (filtered) continue;
      report(
        gateway.file,
        gateway.decorator,
        `${gateway.name} has no @UseFilters(): global filters never reach gateways, so its handlers' errors never reach the client's ack; apply the app's WebSocket exception filter (\`${fixCommand('ws-filter', gateway.fixName)}\`).`,
      );
    }
  },
};
