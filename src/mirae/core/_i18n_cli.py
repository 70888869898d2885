"""The Korean help of every option and argument of the ``mirae`` command line.

Part of the one catalogue (:mod:`mirae.core._i18n`), kept in its own module for
length and import cost: it is keyed by the exact English help text written in
the command modules (an option shared by many commands, such as
``--workspace``, appears once), and :func:`mirae.core._i18n.option_help`
imports it only when help is shown in Korean. A test walks every command and
fails when an option's help has no Korean entry here, or when an entry is
used by no option. Option names, file formats and values typed on the
command line (``--fill zero``, ``create | replace | append``) stay as written.
"""

from __future__ import annotations

#: English help text (as in the code): Korean help text
OPTION_HELP_KO: dict[str, str] = {
    # -- the help option and the global options (`mirae --help`)
    "Show this message and exit.": "이 도움말을 보여 주고 끝냅니다.",
    "Show the full Python traceback of an error (for bug reports).": (
        "오류의 전체 Python 트레이스백을 보여 줍니다 (버그 신고용)."
    ),
    "Name recorded as the author of new snapshots (default: your login name).": (
        "새 스냅샷의 작성자로 기록할 이름 (기본값: 로그인 이름)."
    ),
    "Language of messages and reports: ko or en (default: the locale for messages, ko for reports) "
    "/ 메시지와 보고서 언어.": "메시지와 보고서 언어: ko 또는 en (기본값: 메시지는 로캘, 보고서는 ko).",
    "Print mirae's version and exit.": "mirae 버전을 출력하고 끝냅니다.",
    # -- options shared by many commands
    "Workspace folder (default: $MIRAE_HOME or ./mirae-workspace).": (
        "워크스페이스 폴더 (기본값: $MIRAE_HOME 또는 ./mirae-workspace)."
    ),
    "Print JSON for scripts instead of tables.": "표 대신 스크립트용 JSON을 출력합니다.",
    "MLflow tracking URI (default: $MIRAE_TRACKING_URI or the workspace's mlflow.db).": (
        "MLflow 추적 URI (기본값: $MIRAE_TRACKING_URI 또는 워크스페이스의 mlflow.db)."
    ),
    "Language of the report and the messages: ko or en (default: mirae --lang, $MIRAE_LANG, else ko) "
    "/ 보고서와 메시지 언어.": "보고서와 메시지 언어: ko 또는 en (기본값: mirae --lang, $MIRAE_LANG, 없으면 ko).",
    "Move this alias (e.g. champion) to the new version.": "이 별칭 (예: champion)을 새 버전으로 옮깁니다.",
    "Register the fitted model as a new version.": "학습한 모델을 새 버전으로 등록합니다.",
    "Compute explanations (importance, SHAP, partial dependence, rules); --no-explain: metrics only.": (
        "설명을 계산합니다 (변수 중요도, SHAP, 부분 의존도, 규칙); --no-explain: 지표만."
    ),
    "create (refuse existing tables) | replace (old snapshots stay in the history) | append.": (
        "create (기존 테이블이면 거부) | replace (이전 스냅샷은 이력에 남음) | append."
    ),
    "Registered model name (default: the --into table).": "등록할 모델 이름 (기본값: --into 테이블).",
    "Log an MLflow run.": "MLflow 실행(run)으로 기록합니다.",
    "Random seed.": "난수 시드.",
    "Time column.": "시간 열.",
    "D, W, M or Q (default: inferred).": "D, W, M 또는 Q (기본값: 데이터에서 추정).",
    "Columns for the per-segment error table.": "세그먼트별 오차 표에 쓸 열.",
    "NAME, NAME@ALIAS or NAME/VERSION.": "모델: NAME, NAME@ALIAS 또는 NAME/VERSION.",
    "User name.": "사용자 이름.",
    # -- mirae detect (metric anomalies)
    "Table of metrics: a time column, metric columns, groups.": "지표 테이블: 시간 열, 지표 열, 그룹.",
    "Table of scored rows (INTO_events: one row per alert).": (
        "이상 점수를 매긴 행을 쓸 테이블 (INTO_events: 알림마다 한 행)."
    ),
    "Time column (default: the row order).": "시간 열 (기본값: 행 순서).",
    "Metric column(s), e.g. cpu or cpu,latency (default: every numeric).": (
        "지표 열, 예: cpu 또는 cpu,latency (기본값: 모든 숫자 열)."
    ),
    "Group column(s), e.g. host: each group is its own series.": (
        "그룹 열, 예: host: 그룹마다 별도의 시계열로 봅니다."
    ),
    "auto (chosen per series), band (normal range), subpca, poly; all metrics together: iforest, ecod, "
    "pca, correlation.": (
        "auto (시계열마다 선택), band (정상 범위), subpca, poly; 모든 지표를 함께: iforest, ecod, pca, correlation."
    ),
    "Robust z-score above which a row is flagged (default: per method).": (
        "이 로버스트 z-점수를 넘는 행을 이상으로 표시합니다 (기본값: 방법별)."
    ),
    "Flag this share of the rows instead, e.g. 0.01.": "대신 행의 이 비율을 이상으로 표시합니다, 예: 0.01.",
    "Flagged rows an alert needs.": "알림 하나에 필요한 이상 행 수.",
    "Unflagged rows that may separate the flagged rows of one alert.": (
        "한 알림의 이상 행 사이에 끼어도 되는 정상 행 수."
    ),
    "Rows of a series sharing a timestamp: mean, last or error.": (
        "한 시계열에서 시각이 같은 행: mean, last 또는 error."
    ),
    "auto, none, hour, weekday, week_hour, or a period in rows (e.g. 24).": (
        "계절성: auto, none, hour, weekday, week_hour 또는 행 단위 주기 (예: 24)."
    ),
    "Rows per window (window methods, correlation).": "구간당 행 수 (구간 방식의 방법, correlation).",
    "0/1 column of known anomalies: evaluated against, never fitted on.": (
        "알려진 이상의 0/1 열: 평가에만 쓰고 학습에는 쓰지 않습니다."
    ),
    "Seed of the isolation forest.": "Isolation Forest의 난수 시드.",
    "Log an MLflow run of the detection.": "탐지를 MLflow 실행(run)으로 기록합니다.",
    "Also write the anomaly report (HTML) here.": "이상 탐지 보고서 (HTML)도 여기에 씁니다.",
    # -- mirae detect-logs
    "Log file (UTF-8 or CP949; see --encoding).": "로그 파일 (UTF-8 또는 CP949; --encoding 참고).",
    "Table of counts per template per window (INTO_lines: the lines).": (
        "구간별·템플릿별 건수를 쓸 테이블 (INTO_lines: 각 줄)."
    ),
    "Line layout: a regex with named groups time and message, or iso, apache, syslog, bgl, ...": (
        "줄 형식: 이름 있는 그룹 time과 message를 가진 정규식, 또는 iso, apache, syslog, bgl, ..."
    ),
    "Time format: strptime codes, iso or epoch.": "시간 형식: strptime 코드, iso 또는 epoch.",
    "Width of a counting window (5min, 1h, 1D).": "건수를 세는 구간의 폭 (5min, 1h, 1D).",
    "Year of year-less times (syslog's 'Jun 14 15:16:01').": (
        "연도가 없는 시각의 연도 (syslog의 'Jun 14 15:16:01')."
    ),
    "Text encoding (default: UTF-8, else CP949).": "텍스트 인코딩 (기본값: UTF-8, 안 되면 CP949).",
    "Share of equal tokens a line needs to join a template.": (
        "한 줄이 템플릿에 합류하려면 같아야 하는 토큰의 비율."
    ),
    "Depth of the template parse tree.": "템플릿 파스 트리의 깊이.",
    "A template's normal range, in robust deviations.": "템플릿의 정상 범위 (로버스트 편차 단위).",
    "First windows whose templates count as known (not new).": (
        "처음 이만큼의 구간에 나온 템플릿은 이미 아는 것으로 봅니다 (새 템플릿 아님)."
    ),
    "Also write the log report (HTML) here.": "로그 보고서 (HTML)도 여기에 씁니다.",
    # -- mirae forecast
    "Long-format sales table.": "롱 포맷 판매 테이블.",
    "Series id column (the bottom level).": "시계열 ID 열 (계층의 맨 아래 수준).",
    "Target column (e.g. units sold).": "목표 변수 열 (예: 판매 수량).",
    "Horizon in periods.": "예측 기간 (기간 수).",
    "Table to write the forecasts to.": "예측값을 쓸 테이블.",
    "Levels top-down, e.g. group/product/item (the id last).": (
        "위에서 아래로의 계층 수준, 예: group/product/item (ID가 마지막)."
    ),
    "Future-known columns, e.g. price,promo.": "미래 값을 미리 아는 열, 예: price,promo.",
    "Table with future values of --exog columns.": "--exog 열의 미래 값을 담은 테이블.",
    "Fill missing periods: zero or missing.": "빠진 기간 채우기: zero 또는 missing.",
    "Negative targets: error, keep (returns, adjustments) or zero.": (
        "음수 목표값: error, keep (반품, 조정) 또는 zero."
    ),
    "Models to try, e.g. ETS,ARIMA,Theta,GlobalBoost (default: chosen from the data).": (
        "시도할 모델, 예: ETS,ARIMA,Theta,GlobalBoost (기본값: 데이터에 맞춰 선택)."
    ),
    "Prediction-interval levels.": "예측구간의 신뢰 수준.",
    "Backtest windows used to choose models.": "모델 선택에 쓰는 백테스트 구간 수.",
    "mint_shrink, bottom_up or top_down.": "계층 예측 조정: mint_shrink, bottom_up 또는 top_down.",
    "Public holidays of this country as features (KR, US, ...; 'none' for none).": (
        "이 나라의 공휴일을 특성으로 씁니다 (KR, US, ...; 'none': 쓰지 않음)."
    ),
    "Table of user events (columns date, event).": "사용자 이벤트 테이블 (열: date, event).",
    "Processes / threads to use (-1: all cores).": "사용할 프로세스 / 스레드 수 (-1: 모든 코어).",
    "Log an MLflow run of the forecast.": "예측을 MLflow 실행(run)으로 기록합니다.",
    "Also write the forecast report (HTML) here.": "예측 보고서 (HTML)도 여기에 씁니다.",
    # -- mirae simulate (what-if)
    "Long-format sales table with a price column.": "가격 열이 있는 롱 포맷 판매 테이블.",
    "Series id column.": "시계열 ID 열.",
    "Units column.": "수량 열.",
    "Price column.": "가격 열.",
    "Unit cost.": "단위 원가.",
    "Periods the scenario covers.": "시나리오가 다루는 기간 수.",
    "One series id.": "시계열 ID 하나.",
    "Select a group: COLUMN=VALUE (repeatable).": "그룹 선택: COLUMN=VALUE (여러 번 지정 가능).",
    "0/1 promotion column (adds promo on/off).": "0/1 프로모션 열 (프로모션 있음/없음 시나리오를 더함).",
    "Discount percents.": "할인율 (%).",
    "Explicit price points.": "직접 지정한 가격.",
    "A known price elasticity (e.g. -1.5) instead of estimating one.": (
        "추정하는 대신 쓸, 이미 아는 가격 탄력성 (예: -1.5)."
    ),
    "Also store the scenario table.": "시나리오 표도 테이블로 저장합니다.",
    # -- mirae recommend, mirae similar
    "Interactions table: one row per user and item.": "상호작용 테이블: 사용자와 아이템 쌍마다 한 행.",
    "User column.": "사용자 열.",
    "Item column (also the id column of the --text items table).": (
        "아이템 열 (--text 아이템 테이블의 ID 열이기도 함)."
    ),
    "Table to write the recommendations to (one row per rank).": "추천 결과를 쓸 테이블 (순위마다 한 행).",
    "Rating or weight column.": "평점 또는 가중치 열.",
    "Time column (the held-out check holds out each user's last).": (
        "시간 열 (홀드아웃 검사는 사용자마다 마지막 상호작용을 떼어 둡니다)."
    ),
    "Item text for content and cold-start items: ITEMS_TABLE:col,col (e.g. films:title,genres).": (
        "내용 기반 추천과 콜드 스타트 아이템에 쓸 아이템 텍스트: ITEMS_TABLE:col,col (예: films:title,genres)."
    ),
    "Items-table column naming items in reasons (e.g. the title).": (
        "추천 이유에서 아이템을 가리킬 아이템 테이블의 열 (예: 제목)."
    ),
    "Items-table column of categories.": "아이템 테이블의 범주 열.",
    "Recommend only items of these categories.": "이 범주의 아이템만 추천합니다.",
    "Never recommend items of these categories.": "이 범주의 아이템은 추천하지 않습니다.",
    "hybrid (EASE + content), ease, itemknn, als, content or popularity.": (
        "hybrid (EASE + 내용 기반), ease, itemknn, als, content 또는 popularity."
    ),
    "Items per user.": "사용자당 아이템 수.",
    "Re-ranking trade-off 0..1 (0: by score alone; higher: more varied lists), or auto: the largest "
    "whose NDCG@10 on each user's latest training interaction stays within 2 % of 0.": (
        "재순위화의 균형 0..1 (0: 점수만; 클수록 더 다양한 목록), 또는 auto: 사용자마다 가장 최근 학습 "
        "상호작용에 대한 NDCG@10이 0일 때와 2 % 안에 머무는 가장 큰 값."
    ),
    "binary, count or rating: the weight of an interaction.": (
        "상호작용의 가중치: binary, count 또는 rating."
    ),
    "Allowed ratings low..high (others refused).": "허용되는 평점 low..high (그 밖의 값은 거부).",
    "Hold out each user's last interaction and report accuracy and diversity.": (
        "사용자마다 마지막 상호작용을 홀드아웃하여 정확도와 다양성을 보고합니다."
    ),
    "Also write the recommendation report (HTML) here.": "추천 보고서 (HTML)도 여기에 씁니다.",
    "Registered recommender (NAME, NAME@ALIAS, NAME/VERSION).": (
        "등록된 추천 모델 (NAME, NAME@ALIAS, NAME/VERSION)."
    ),
    "The item, as written in the item column.": "아이템 열에 적힌 그대로의 아이템.",
    "How many items.": "아이템 수.",
    # -- mirae segment
    "Transactions table (with --rfm) or one row per thing to segment.": (
        "거래 테이블 (--rfm과 함께) 또는 세분화할 대상마다 한 행인 테이블."
    ),
    "Table to write the segments to ({into}_profiles beside it).": (
        "세그먼트를 쓸 테이블 (그 옆에 {into}_profiles)."
    ),
    "customer,date,amount columns of transactions, e.g. 'Customer ID,InvoiceDate,Quantity*Price'.": (
        "거래의 customer,date,amount 열, 예: 'Customer ID,InvoiceDate,Quantity*Price'."
    ),
    "Numeric columns to segment on (with --rfm: a choice of RFM columns).": (
        "세분화에 쓸 숫자 열 (--rfm과 함께: RFM 열 가운데 선택)."
    ),
    "Row id column copied to the output.": "출력에 복사할 행 ID 열.",
    "Invoice column: frequency counts invoices.": "송장 열: 구매 빈도를 송장 수로 셉니다.",
    "Date recency counts to (default: the day after the last).": (
        "최근성을 계산하는 기준일 (기본값: 마지막 날의 다음 날)."
    ),
    "First date of the window (default: all history).": "기간의 첫 날짜 (기본값: 전체 이력).",
    "Negative amounts (returns): net (subtract), drop (ignore) or error.": (
        "음수 금액 (반품): net (차감), drop (무시) 또는 error."
    ),
    "kmeans, gmm or quantile (named RFM-score segments).": (
        "kmeans, gmm 또는 quantile (이름 붙은 RFM 점수 세그먼트)."
    ),
    "Number of segments, or auto (chosen over --k-range).": "세그먼트 수, 또는 auto (--k-range 안에서 선택).",
    "Smallest and largest k tried with --k auto.": "--k auto일 때 시도할 가장 작은 k와 가장 큰 k.",
    "What chooses k: silhouette (k-means), bic (gmm), davies_bouldin or calinski_harabasz.": (
        "k를 고르는 기준: silhouette (k-means), bic (gmm), davies_bouldin 또는 calinski_harabasz."
    ),
    "Missing feature values: impute (median) or error.": "결측 특성값: impute (중앙값으로 대체) 또는 error.",
    "Refits with other seeds and bootstrap samples (0: none).": (
        "다른 시드와 부트스트랩 표본으로 다시 학습하는 횟수 (0: 하지 않음)."
    ),
    "Assign with this registered segmenter (NAME, NAME@ALIAS, NAME/VERSION).": (
        "이 등록된 세분화 모델로 세그먼트를 배정합니다 (NAME, NAME@ALIAS, NAME/VERSION)."
    ),
    "Log an MLflow run of the segmentation.": "세분화를 MLflow 실행(run)으로 기록합니다.",
    "Also write the segmentation report (HTML) here.": "세분화 보고서 (HTML)도 여기에 씁니다.",
    # -- mirae serve, mirae users
    "Address to bind; any other than 127.0.0.1 needs a token on every request.": (
        "바인딩할 주소; 127.0.0.1이 아니면 모든 요청에 토큰이 필요합니다."
    ),
    "TCP port.": "TCP 포트.",
    "Serve only the prediction API (production scoring).": "예측 API만 제공합니다 (운영 스코어링).",
    "Largest upload accepted (MB); larger gets 413.": "받을 수 있는 최대 업로드 크기 (MB); 더 크면 413.",
    "Processes for background jobs.": "백그라운드 작업에 쓸 프로세스 수.",
    "viewer | analyst | admin.": "역할: viewer | analyst | admin.",
    # -- workspace tables: ingest, history, lineage, show, sql, export, drop, maintain, quality, profile
    "File path, http(s) URL, or SQLAlchemy URL.": "파일 경로, http(s) URL 또는 SQLAlchemy URL.",
    "Table to write.": "쓸 테이블.",
    "create | append | replace.": "쓰기 방식: create | append | replace.",
    "csv, tsv, parquet, excel, json, jsonl, html or sql (default: detected).": (
        "csv, tsv, parquet, excel, json, jsonl, html 또는 sql (기본값: 자동 감지)."
    ),
    "Excel sheet name or index.": "Excel 시트 이름 또는 번호.",
    "Database table (SQL sources).": "데이터베이스 테이블 (SQL 원본).",
    "SQL query (SQL sources).": "SQL 쿼리 (SQL 원본).",
    "CSV delimiter (default: detected).": "CSV 구분자 (기본값: 자동 감지).",
    "Text encoding (default: detected).": "텍스트 인코딩 (기본값: 자동 감지).",
    "First row is a header.": "첫 행이 머리글입니다.",
    "Column type override COLUMN=TYPE; repeatable.": "열 자료형 지정 COLUMN=TYPE; 여러 번 지정 가능.",
    "error | skip malformed CSV rows.": "형식이 잘못된 CSV 행: error | skip.",
    "Thousands separator of numbers stored as text: ',' (1,706.5; detected by default), '.' (1.706,5), "
    "' ', \"'\" or '_'; 'none' reads only plain numbers.": (
        "텍스트로 저장된 숫자의 천 단위 구분자: ',' (1,706.5; 기본값은 자동 감지), '.' (1.706,5), "
        "' ', \"'\" 또는 '_'; 'none'이면 구분자 없는 숫자만 읽습니다."
    ),
    "Table name.": "테이블 이름.",
    "Snapshot id (default: latest).": "스냅샷 ID (기본값: 최신).",
    "Rows to show.": "보여 줄 행 수.",
    "SQL over workspace tables by name (DuckDB dialect).": (
        "워크스페이스 테이블을 이름으로 부르는 SQL (DuckDB 문법)."
    ),
    "Rows to show in the table view.": "표 보기에서 보여 줄 행 수.",
    "Folder whose files the query may read (repeatable).": "쿼리가 파일을 읽어도 되는 폴더 (여러 번 지정 가능).",
    "Write the result to this .csv/.tsv/.parquet/.xlsx file.": "결과를 이 .csv/.tsv/.parquet/.xlsx 파일에 씁니다.",
    "CSV encoding for --out (utf-8-sig or cp949).": "--out 파일의 CSV 인코딩 (utf-8-sig 또는 cp949).",
    "Replace an existing --out file.": "이미 있는 --out 파일을 덮어씁니다.",
    "File to write: .csv, .tsv, .parquet or .xlsx.": "쓸 파일: .csv, .tsv, .parquet 또는 .xlsx.",
    "CSV encoding: utf-8-sig (default, opens in Excel) or cp949.": (
        "CSV 인코딩: utf-8-sig (기본값, Excel에서 바로 열림) 또는 cp949."
    ),
    "Replace an existing file.": "이미 있는 파일을 덮어씁니다.",
    "Do not ask for confirmation.": "확인을 묻지 않습니다.",
    "Only list what would be removed.": "지울 대상을 보여 주기만 합니다.",
    "Compare with this snapshot id, or 'previous', for drift.": (
        "드리프트를 보려고 비교할 스냅샷 ID, 또는 'previous'."
    ),
    "YAML file of declared checks.": "선언한 점검 항목의 YAML 파일.",
    "Also write a standalone HTML report here.": "단독 HTML 보고서도 여기에 씁니다.",
    "Write a standalone HTML report here.": "단독 HTML 보고서를 여기에 씁니다.",
    "Folder for the demo's reports.": "데모 보고서를 둘 폴더.",
    # -- models: train, models, evaluate, predict, alias
    "Table to learn from (its latest snapshot).": "학습할 테이블 (최신 스냅샷).",
    "Column to predict.": "예측할 열.",
    "auto, classification or regression.": "과제: auto, classification 또는 regression.",
    "Seconds for the model search.": "모델 탐색에 쓸 시간 (초).",
    "Search trials (reproducible with --seed).": "탐색 시도 횟수 (--seed로 재현 가능).",
    "Seed of the split, folds, models and search.": "분할, 폴드, 모델, 탐색의 난수 시드.",
    "Metric to optimise, e.g. roc_auc or rmse.": "최적화할 지표, 예: roc_auc 또는 rmse.",
    "Cross-validation folds.": "교차검증 폴드 수.",
    "After the first fold, stop the families clearly behind the leader; --no-screen: every family runs every fold.": (
        "첫 폴드 뒤에 선두보다 뚜렷이 뒤처진 모델 계열은 멈춥니다; --no-screen: 모든 계열이 모든 폴드를 돕니다."
    ),
    "Keep the rows of one group together.": "한 그룹의 행을 같은 폴드에 함께 둡니다.",
    "Time column: time-ordered folds and holdout.": "시간 열: 시간 순서대로 폴드와 홀드아웃을 나눕니다.",
    "Model families to try, e.g. linear,lightgbm (default: all).": (
        "시도할 모델 계열, 예: linear,lightgbm (기본값: 전부)."
    ),
    "Share of rows held out for the report.": "보고서용 홀드아웃으로 떼어 둘 행의 비율.",
    "Registered model name (default: the table).": "등록할 모델 이름 (기본값: 테이블 이름).",
    "The class the report treats as positive (the risk predicted, e.g. bad).": (
        "보고서가 양성으로 볼 클래스 (예측하려는 위험, 예: bad)."
    ),
    "Threads the models may use (-1: all cores).": "모델이 쓸 수 있는 스레드 수 (-1: 모든 코어).",
    "Also write the holdout report here.": "홀드아웃 보고서도 여기에 씁니다.",
    "Show the versions of this model.": "이 모델의 버전을 보여 줍니다.",
    "Table with known outcomes.": "실제 결과가 있는 테이블.",
    "Column holding the truth.": "실제 값이 든 열.",
    "Write the standalone HTML report here.": "단독 HTML 보고서를 여기에 씁니다.",
    "The class treated as positive (default: the one set at training).": (
        "양성으로 볼 클래스 (기본값: 학습 때 정한 클래스)."
    ),
    "Table to score.": "예측값을 매길 테이블.",
    "Table to write (input columns + predictions).": "쓸 테이블 (입력 열 + 예측값).",
    "Registered model name.": "등록된 모델 이름.",
    "Version the alias should point at.": "별칭이 가리킬 버전.",
    "Alias, e.g. champion.": "별칭, 예: champion.",
}

#: Typer's own words around the options in ``--help``, by their name in ``typer.rich_utils``
#: (and ``USAGE`` for the usage line's prefix): Korean.
HELP_WORDS_KO: dict[str, str] = {
    "USAGE": "사용법: ",
    "ARGUMENTS_PANEL_TITLE": "인자",
    "OPTIONS_PANEL_TITLE": "옵션",
    "COMMANDS_PANEL_TITLE": "명령",
    "DEFAULT_STRING": "[기본값: {}]",
    "REQUIRED_LONG_STRING": "[필수]",
    "ENVVAR_STRING": "[환경 변수: {}]",
    "DEPRECATED_STRING": "(사용 중단) ",
}
