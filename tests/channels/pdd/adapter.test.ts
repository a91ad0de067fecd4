import { adapterContract } from '../adapter-contract';

adapterContract({ platform: 'pdd', carrierCodes: { sf: '44', jd: '120' }, wrongSecretCode: '10017', refundIdInOrder: false });
