/* The assessment runner's bulk actions, shortcuts, autosave and submission dialog. */
export const assessment: { vi: Record<string, string>; en: Record<string, string> } = {
  vi: {
    'bulk.title': 'Áp dụng cho nhiều tiêu chí', 'bulk.selected': 'Đã chọn {n} tiêu chí', 'bulk.selectAll': 'Chọn tất cả trong nhóm này', 'bulk.clear': 'Bỏ chọn',
    'bulk.select': 'Chọn {id}', 'bulk.apply': 'Đánh dấu: {result}', 'bulk.note': 'Ghi chú chung (cho các tiêu chí chưa có ghi chú)',
    'bulk.needNote': 'Cần ghi chú cho: {ids}. Hãy nhập ghi chú chung rồi áp dụng lại.', 'bulk.done': 'Đã áp dụng «{result}» cho {n} tiêu chí.',
    'keys.title': 'Phím tắt', 'keys.legend': 'j / k: tiêu chí sau / trước · x: chọn / bỏ chọn · 1: Đạt · 2: Đạt một phần · 3: Không đạt · 4: Không áp dụng (cho các tiêu chí đã chọn, hoặc tiêu chí đang xem). Phím tắt không hoạt động khi đang gõ chữ.',
    'save.saving': 'Đang lưu…', 'save.savedAt': 'Đã lưu lúc {time}', 'save.error': 'Chưa lưu được thay đổi.', 'save.retry': 'Thử lại', 'save.unsaved': 'Còn thay đổi chưa lưu. Vẫn rời trang?',
    'submit.title': 'Gửi đợt đánh giá đi phê duyệt?', 'submit.counts': 'Đạt {met} · Đạt một phần {partial} · Không đạt {not_met} · Không áp dụng {not_applicable} · Chưa trả lời {unanswered}',
    'submit.explain': 'Sau khi gửi, đợt đánh giá chuyển cho người phê duyệt và không sửa được nữa; mỗi kết quả đạt một phần / không đạt trở thành một phát hiện.',
    'submit.blocked': 'Chưa gửi được: còn tiêu chí chưa trả lời, thiếu ghi chú hoặc thay đổi chưa lưu.', 'submit.confirm': 'Gửi duyệt', 'submit.cancel': 'Huỷ',
  },
  en: {
    'bulk.title': 'Apply to many controls', 'bulk.selected': '{n} controls selected', 'bulk.selectAll': 'Select all in this group', 'bulk.clear': 'Clear selection',
    'bulk.select': 'Select {id}', 'bulk.apply': 'Mark as: {result}', 'bulk.note': 'Shared note (for selected controls without a note)',
    'bulk.needNote': 'A note is needed for: {ids}. Type a shared note and apply again.', 'bulk.done': '“{result}” applied to {n} controls.',
    'keys.title': 'Keyboard shortcuts', 'keys.legend': 'j / k: next / previous control · x: select / unselect · 1: Met · 2: Partially met · 3: Not met · 4: Not applicable (to the selected controls, or the control in focus). Shortcuts do nothing while you type.',
    'save.saving': 'Saving…', 'save.savedAt': 'Saved at {time}', 'save.error': 'Changes not saved.', 'save.retry': 'Retry', 'save.unsaved': 'There are unsaved changes. Leave anyway?',
    'submit.title': 'Submit the assessment for approval?', 'submit.counts': 'Met {met} · Partially met {partial} · Not met {not_met} · Not applicable {not_applicable} · Unanswered {unanswered}',
    'submit.explain': 'Once submitted, the assessment goes to the approver and can no longer be changed; every partially met / not met result becomes a finding.',
    'submit.blocked': 'Cannot submit yet: controls unanswered, notes missing or changes unsaved.', 'submit.confirm': 'Submit for approval', 'submit.cancel': 'Cancel',
  },
};
