import { adapterContract } from '../adapter-contract';

adapterContract({ platform: 'wechat', carrierCodes: { sf: 'SF', jd: 'JD' }, wrongSecretCode: '40125', refundIdInOrder: true });
