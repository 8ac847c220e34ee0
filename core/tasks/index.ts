// Episode generators and dataset loaders, injected into node builds (see core/nodes/kind.ts).
export interface TaskLibrary {}
