"""The preset dictionary the record's values are packed with (core.packed.PackedJSONField):
audit entries' before and after, and the case events' payloads, which say much the same.

Frozen, as every packing dictionary is (see cases/packing.py): rows written with it must read
back the same forever, so it is literal text, never made from data at run time; new wording
gets a new dictionary appended. It holds the keys these values use, in the compact sorted form
PackedJSONField writes, and the fixed words of the case lifecycle (states, channels, outcomes,
delivery methods, the stages' names, the usual opinion and the common material names): nothing
of any case or applicant. zlib finds a match the cheaper the nearer it is to the end, so the
commonest fragments come last.
"""

RECORD_WORDING_1 = "".join((
    '{"competent_agency":"', '","reasons":"该事项不属于本机关管辖范围",',
    '{"expected_days":', ',"kind":"专家评审","reason":"', '"kind":"检验检测","reason":"',
    '"kind":"听证","reason":"', '"kind":"公示","reason":"', '"kind":"现场勘查","reason":"',
    '"state":"suspended"}', '"state":"awaiting_supplement"}', '"state":"not_accepted"}',
    '{"materials":["', '"],"note":"', '"state":"withdrawn"}', '"state":"terminated"}',
    '{"reason":"', '"state":"denied"}', '"decision":"deny",', '"outcome":"return",', '"outcome":"refuse",',
    '"late_workdays":', '"at_window":true,', '"deemed":true,', '"external":true,', '"note":"申请人本人办理,无委托"',
    '{"file":"申请书(申请表).pdf","name":"申请书(申请表)","row_version":', ',"sha256":"', '","size":',
    '"营业执照或统一社会信用代码证书","法定代表人(申请人)身份证明","授权委托书","项目申请报告",'
    '"工程竣工验收报告","不动产权属证书","建设工程规划许可证","施工图设计文件审查合格书",',
    '{"channel":"online","item":"', '{"channel":"window","item":"', '","paper_materials":["申请书(申请表)","',
    '"],"row_version":1,"state":"submitted"}',
    '{"decision":"approve","delivery_due":"20', '","fees":[],"licence_number":"',
    '许〔20', '〕', '号","reasons":"","row_version":', ',"state":"approved"}',
    '{"delivery_due":"20', '","method":"邮寄送达","on":"20', '","method":"电子送达","on":"20',
    '","method":"窗口领取","on":"20', '","row_version":', ',"state":"delivered"}',
    '{"accepted_on":"20', '","promised_due":"20', '","row_version":2,"state":"accepted","statutory_due":"20',
    '{"name":"受理","next_stage":"审核","opinion":"', '{"name":"审查","next_stage":"核准","opinion":"',
    '{"name":"核准","opinion":"符合法定条件,同意。","outcome":"pass","row_version":',
    '{"name":"审核","next_stage":"决定","opinion":"符合法定条件,同意。","outcome":"pass","row_version":',
    ',"state":"accepted","step":', '{"row_version":', ',"state":"submitted"}',
    '{"state":"submitted"}', '{"state":"approved"}', '{"state":""}', '{"state":"accepted"}',
))

RECORD_DICTIONARIES = (RECORD_WORDING_1.encode(),)
