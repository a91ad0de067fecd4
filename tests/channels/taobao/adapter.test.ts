import { adapterContract } from '../adapter-contract';

adapterContract({ platform: 'taobao', carrierCodes: { sf: 'SF', jd: 'JD' }, wrongSecretCode: '25', refundIdInOrder: true });
