export * from './cursor-domain';
export * from './events';
export * from './event-scanner';
export * from './mappers';
