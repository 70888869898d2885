"""Real tables from ../shared/data for the evaluation tests, with small fitted models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest


def _preprocessor(frame: pd.DataFrame) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    categorical = [c for c in frame.columns if frame[c].dtype == object]
    numeric = [c for c in frame.columns if c not in categorical]
    return ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore"), categorical), ("num", StandardScaler(), numeric)]
    )


@pytest.fixture(scope="session")
def german(shared_data: Path) -> tuple[pd.DataFrame, pd.Series]:
    """German credit (1000 x 20 features); target creditability good/bad."""
    frame = pd.read_csv(shared_data / "german_credit" / "germancredit.csv")
    target = frame.pop("creditability")
    return frame, target


@pytest.fixture(scope="session")
def telco(shared_data: Path) -> tuple[pd.DataFrame, pd.Series]:
    """IBM telco churn without the customer id; TotalCharges blanks (new customers) read as 0."""
    frame = pd.read_csv(shared_data / "telco_churn" / "churn.csv").drop(columns="customerID")
    frame["TotalCharges"] = pd.to_numeric(frame["TotalCharges"].str.strip().replace("", "0"))
    target = frame.pop("Churn")
    return frame, target


@pytest.fixture(scope="session")
def housing(shared_data: Path) -> tuple[pd.DataFrame, pd.Series]:
    """California housing; target MedHouseVal."""
    frame = pd.read_parquet(shared_data / "california_housing" / "california_housing.parquet.brotli")
    target = frame.pop("MedHouseVal")
    return frame, target


@pytest.fixture(scope="session")
def german_logistic(german: tuple[pd.DataFrame, pd.Series]) -> Any:
    """One-hot + standardise + logistic regression fit on all of German credit."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    X, y = german
    return make_pipeline(_preprocessor(X), LogisticRegression(max_iter=2000)).fit(X, y)


@pytest.fixture(scope="session")
def german_tree(german: tuple[pd.DataFrame, pd.Series]) -> Any:
    """One-hot + standardise + a depth-4 decision tree on German credit."""
    from sklearn.pipeline import make_pipeline
    from sklearn.tree import DecisionTreeClassifier

    X, y = german
    return make_pipeline(_preprocessor(X), DecisionTreeClassifier(max_depth=4, random_state=0)).fit(X, y)


@pytest.fixture(scope="session")
def telco_split(
    telco: tuple[pd.DataFrame, pd.Series],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """A fixed 70/30 split of telco churn."""
    from sklearn.model_selection import train_test_split

    X, y = telco
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    return X_train, X_test, y_train, y_test


@pytest.fixture(scope="session")
def telco_gbm(telco_split: tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]) -> Any:
    """Gradient boosting (50 trees) behind one-hot encoding, fit on the telco training rows."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.pipeline import make_pipeline

    X_train, _, y_train, _ = telco_split
    model = make_pipeline(_preprocessor(X_train), GradientBoostingClassifier(n_estimators=50, random_state=0))
    return model.fit(X_train, y_train)
