/**
 * Pieces the volunteer pages share: a paged table of a `{ items, total }` list, a picture
 * upload (an opportunity's cover, a reward's photo), and the drawer that asks for a reason
 * before cancelling or closing something.
 */
import { Button, Drawer, Form, Input, Space, Table, Tag, Upload, type TableProps } from 'antd';
import { attachmentRequest } from '../../components/attachment-request.js';

const PAGE_SIZE = 20;

/** Twenty rows a page of a list the server pages (`page`, `pageSize` 20). */
export function PagedTable<T extends { id: string }>({
  list,
  page,
  onPage,
  size = 'middle',
  ...rest
}: {
  list: { data?: { items: T[]; total: number }; loading: boolean };
  page: number;
  onPage: (page: number) => void;
} & Omit<TableProps<T>, 'rowKey' | 'loading' | 'dataSource' | 'pagination'>) {
  return <Table<T> rowKey="id" size={size} loading={list.loading} dataSource={list.data?.items ?? []} pagination={{ current: page, total: list.data?.total ?? 0, pageSize: PAGE_SIZE, onChange: onPage }} {...rest} />;
}

/** One picture uploaded to /api/v1/files for `purpose`; ✓ once the record has one. */
export function PictureUpload({ purpose, label, uploaded, onUploaded, onError }: { purpose: string; label: string; uploaded: boolean; onUploaded: (attachmentId: string) => void; onError: (message: string) => void }) {
  return (
    <Space>
      <Upload
        accept="image/png,image/jpeg,image/webp"
        showUploadList={false}
        customRequest={attachmentRequest(purpose, { onUploaded: (att) => onUploaded(att.id), onError })}
      >
        <Button>{label}</Button>
      </Upload>
      {uploaded && <Tag color="green">✓</Tag>}
    </Space>
  );
}

/** Asks for the reason (kept on the record) before `action` (cancel, close) on `subject`; `onSubmit` sends it. */
export function ReasonDrawer({ action, subject, label, minLength, onSubmit, onClose }: { action: string; subject: string; label: string; minLength: number; onSubmit: (v: { reason: string }) => void; onClose: () => void }) {
  return (
    <Drawer open width={480} title={`${action}：${subject}`} onClose={onClose} destroyOnHidden>
      <Form layout="vertical" onFinish={onSubmit}>
        <Form.Item name="reason" label={label} rules={[{ required: true, min: minLength }]}>
          <Input.TextArea maxLength={200} rows={3} />
        </Form.Item>
        <Button type="primary" danger htmlType="submit">
          {action}
        </Button>
      </Form>
    </Drawer>
  );
}
