import { Inject } from '@nestjs/common';
import type { AppConfig } from './app-config.schema';

/** Injection token for the parsed configuration; read it through `@InjectConfig()`. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const InjectConfig = () => Inject(APP_CONFIG);
export type { AppConfig };
