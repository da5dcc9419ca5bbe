import { circuitListSchema } from '../../shared/control/circuits.js';
import { callApi } from './client.js';

/** The endpoints routing keeps out (src/main/core/control/circuits-routes.ts). */
export const circuitsApi = {
  list: () => callApi('GET', '/circuits', circuitListSchema),
};
