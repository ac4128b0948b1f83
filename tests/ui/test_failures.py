"""A failed file's reason is explained with what kind of failure it is and what to do."""
from __future__ import annotations

import pytest

from dashboard.ui.failures import explain_failure


@pytest.mark.parametrize("reason, kind", [
    ("x.pdf: PDF 已加密（需要密码才能打开），请提供未加密的版本", "加密文件"),
    ("x.pdf: 扫描件：PDF 没有文字层（可能是扫描或图片生成的文件）", "扫描件（没有文字层）"),
    ("x.docx: 不是有效的 Word 文档（.docx）：文件是旧版 Office 格式（.doc/.xls）或已加密，请另存", "旧版 Office 格式"),
    ("x.docx: 解压后内容过大（声明 900 MB，上限 200 MB），疑似压缩炸弹，已拒绝", "疑似压缩炸弹"),
    ("x.pdf: PDF 文件不完整：缺少文件结尾", "文件不完整"),
    ("x.txt: 不是文本文件：内容为乱码或二进制数据", "不是可读的文本"),
    ("x.docx: 不是有效的 Word 文档（.docx）：文档的 XML 内容已损坏", "文件损坏或格式不符"),
    ("x.txt: 未识别到任何评价内容（无项目名称、金额或得分）", "未识别出评价报告"),
    ("x.pdf: 读取超时：超过 60 秒仍未读完", "读取超时"),
    ("别的原因", "无法读取"),
    (None, "无法读取"),
])
def test_failure_explained(reason, kind):
    found, advice = explain_failure(reason)
    assert found == kind and advice
