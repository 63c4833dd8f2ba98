// The implementation lives in @fusion/shared/testing so lib int-specs can use it too.
export * from '../../libs/shared/testing/src/infra';
