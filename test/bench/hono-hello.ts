/** The baseline of the bundle figures: a bare hono app behind the same Lambda adapter. */
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

export const handler = handle(new Hono().get('/', (c) => c.text('hello')));
