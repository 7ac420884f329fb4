import type { UploadProps } from 'antd';
import { api, errorMessage } from '../../shared/api.js';

/**
 * antd Upload's `customRequest` for the platform's upload route: the file is stored for
 * `purpose` without an org node (each module decides who else may open it); the attachment goes
 * to Upload's onSuccess and to `onUploaded`, a failure's message to `onError`.
 */
export function attachmentRequest<T extends { id: string } = { id: string }>(
  purpose: string,
  on: { onError: (message: string) => void; onUploaded?: (attachment: T) => void; onBusy?: (busy: boolean) => void },
): NonNullable<UploadProps['customRequest']> {
  return async (o) => {
    const data = new FormData();
    data.append('file', o.file as Blob, (o.file as File).name);
    on.onBusy?.(true);
    try {
      const attachment = await api.upload<T>('/api/v1/files', data, { purpose });
      on.onUploaded?.(attachment);
      o.onSuccess?.(attachment);
    } catch (e) {
      on.onError(errorMessage(e));
      o.onError?.(e as Error);
    } finally {
      on.onBusy?.(false);
    }
  };
}
