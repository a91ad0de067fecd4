import { adapterContract } from '../adapter-contract';

adapterContract({ platform: 'douyin', carrierCodes: { sf: 'shunfeng', jd: 'jd' }, wrongSecretCode: '30002', refundIdInOrder: true });
