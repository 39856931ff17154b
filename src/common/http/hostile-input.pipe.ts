import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { toJsonPath } from '../json-path';
import { ApiError } from '../api-error';
import { findInputProblem } from './input-inspection';
import { UNDECODABLE_QUERY } from './strict-query';

const WHAT: Record<string, string> = { body: 'request body', query: 'query', param: 'path parameter' };

/**
 * Every route's body, query and path parameters pass here (after authentication, before the handler): text
 * with a NUL character or a lone surrogate, and JSON nested deeper than the bound, are refused with a 400
 * naming the path, so no route has to remember that Postgres refuses them or that deep values overflow the
 * stack of whatever walks them next.
 */
@Injectable()
export class HostileInputPipe implements PipeTransform {
  constructor(private readonly maxDepth: number) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const what = WHAT[metadata.type];
    if (what === undefined) return value;
    const prefix = metadata.type !== 'body' && metadata.data ? [metadata.data] : [];
    const undecodable = (value as { [UNDECODABLE_QUERY]?: string[] } | null)?.[UNDECODABLE_QUERY];
    if (metadata.type === 'query' && undecodable?.length) {
      throw new ApiError(400, 'INVALID_REQUEST', `invalid ${what}`, undecodable.map((name) => ({ path: toJsonPath([name]), message: 'is not percent-encoded UTF-8' })));
    }
    const problem = findInputProblem(value, { maxDepth: this.maxDepth, text: true }, prefix);
    if (problem) throw new ApiError(400, 'INVALID_REQUEST', `invalid ${what}`, [problem]);
    return value;
  }
}
