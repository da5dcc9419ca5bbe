import { z } from 'zod/mini';

/** `POST /_app/api/session`: redeems a one-time login token (the desktop window's path). */
export const loginRequestSchema = z.object({ login: z.string().check(z.minLength(1), z.maxLength(200)) });
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** `GET /_app/api/session`: answers only to the signed-in owner. */
export const sessionInfoSchema = z.object({ signedIn: z.literal(true) });
export type SessionInfo = z.infer<typeof sessionInfoSchema>;
