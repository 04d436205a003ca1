// apache.rocketmq.v2.Code values and the error that carries one into a response status.
import { MQClientError } from '../client/errors.ts';

export type V2Code =
  | 'OK' | 'MULTIPLE_RESULTS' | 'BAD_REQUEST' | 'ILLEGAL_TOPIC' | 'ILLEGAL_CONSUMER_GROUP' | 'ILLEGAL_MESSAGE_TAG'
  | 'ILLEGAL_MESSAGE_KEY' | 'ILLEGAL_MESSAGE_GROUP' | 'ILLEGAL_MESSAGE_PROPERTY_KEY' | 'INVALID_TRANSACTION_ID'
  | 'ILLEGAL_MESSAGE_ID' | 'ILLEGAL_FILTER_EXPRESSION' | 'ILLEGAL_INVISIBLE_TIME' | 'ILLEGAL_DELIVERY_TIME'
  | 'INVALID_RECEIPT_HANDLE' | 'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE' | 'UNRECOGNIZED_CLIENT_TYPE' | 'MESSAGE_CORRUPTED'
  | 'CLIENT_ID_REQUIRED' | 'ILLEGAL_POLLING_TIME' | 'ILLEGAL_OFFSET' | 'FORBIDDEN' | 'NOT_FOUND' | 'MESSAGE_NOT_FOUND'
  | 'TOPIC_NOT_FOUND' | 'CONSUMER_GROUP_NOT_FOUND' | 'OFFSET_NOT_FOUND' | 'REQUEST_TIMEOUT' | 'PAYLOAD_TOO_LARGE'
  | 'MESSAGE_BODY_TOO_LARGE' | 'MESSAGE_BODY_EMPTY' | 'PRECONDITION_FAILED' | 'TOO_MANY_REQUESTS'
  | 'REQUEST_HEADER_FIELDS_TOO_LARGE' | 'MESSAGE_PROPERTIES_TOO_LARGE' | 'INTERNAL_ERROR' | 'INTERNAL_SERVER_ERROR'
  | 'HA_NOT_AVAILABLE' | 'NOT_IMPLEMENTED' | 'PROXY_TIMEOUT' | 'MASTER_PERSISTENCE_TIMEOUT' | 'SLAVE_PERSISTENCE_TIMEOUT'
  | 'UNSUPPORTED' | 'VERSION_UNSUPPORTED' | 'VERIFY_FIFO_MESSAGE_UNSUPPORTED' | 'FAILED_TO_CONSUME_MESSAGE';

export interface V2Status { code: V2Code; message: string }

/** A request the endpoint refuses or could not serve; `code` goes into the response's status. */
export class GrpcStatusError extends MQClientError {
  constructor(readonly code: V2Code, message: string) {
    super(message);
    this.name = 'GrpcStatusError';
  }
}

export const okStatus = (): V2Status => ({ code: 'OK', message: 'OK' });
