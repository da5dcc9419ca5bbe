import type { ControlEvents } from './control-events.js';
import { RESPONDED, type ControlRoute } from './control-router.js';

export function eventsRoutes(events: ControlEvents): ControlRoute[] {
  return [
    {
      method: 'GET',
      path: '/events',
      run({ res }) {
        events.subscribe(res);
        return RESPONDED;
      },
    },
  ];
}
